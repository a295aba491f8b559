module mapscope/profiles

go 1.19
