module mapscope/swisssnap

go 1.24

require mapscope/snapshot v0.0.0

replace mapscope/snapshot => ../snapshot
