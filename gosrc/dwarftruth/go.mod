module example.com/dwarftruth

go 1.19
