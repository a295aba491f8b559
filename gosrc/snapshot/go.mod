module mapscope/snapshot

go 1.19
