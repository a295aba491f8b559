module example.com/go-isthing

go 1.19
