module example.com/inspectprobe

go 1.19
