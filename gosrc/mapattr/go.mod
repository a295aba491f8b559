module mapscope/mapattr

go 1.19

require mapscope/profiles v0.0.0

replace mapscope/profiles => ../profiles
