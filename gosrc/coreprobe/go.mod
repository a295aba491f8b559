module mapscope/coreprobe

go 1.19
