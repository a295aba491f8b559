module perfprobe

go 1.22
