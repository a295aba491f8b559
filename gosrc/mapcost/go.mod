module mapscope/mapcost

go 1.19
