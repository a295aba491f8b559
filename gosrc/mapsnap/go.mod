module mapscope/mapsnap

go 1.19

require mapscope/snapshot v0.0.0

replace mapscope/snapshot => ../snapshot
