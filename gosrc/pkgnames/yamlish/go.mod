module gopkg.in/yamlish.v3

go 1.19
