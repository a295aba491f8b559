module mapscope/footprint

go 1.22
