module typesource

go 1.19
