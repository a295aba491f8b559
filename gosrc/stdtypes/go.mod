module stdtypes

go 1.19
