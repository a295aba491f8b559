module mapscope/mapattr

go 1.19
