module mapscope/bigmap

go 1.22
