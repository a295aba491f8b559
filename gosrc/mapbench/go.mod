module mapscope/mapbench

go 1.21
