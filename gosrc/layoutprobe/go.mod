module layoutprobe

go 1.19
