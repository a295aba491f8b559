module example.com/pkgnames

go 1.19

require (
	example.com/go-isthing v1.0.0
	example.com/lib/v2 v2.0.0
	gopkg.in/yamlish.v3 v3.0.0
)

replace (
	example.com/go-isthing => ./goisthing
	example.com/lib/v2 => ./lib
	gopkg.in/yamlish.v3 => ./yamlish
)
