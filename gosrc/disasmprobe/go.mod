module example.com/disasmprobe

go 1.19
