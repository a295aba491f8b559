module mapscope/mapsnap

go 1.19
