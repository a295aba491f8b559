module mapscope/swisssnap

go 1.24
