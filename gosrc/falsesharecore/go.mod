module mapscope/falsesharecore

go 1.19
