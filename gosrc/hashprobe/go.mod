module mapscope/hashprobe

go 1.19
