module mapscope/mapcontend

go 1.19
