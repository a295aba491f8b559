module mapscope/racemeasure

go 1.21
