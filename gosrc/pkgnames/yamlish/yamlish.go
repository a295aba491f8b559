// Package yamlish lives at import path gopkg.in/yamlish.v3 (a gopkg.in version suffix).
package yamlish

type Node struct{ Kind int }

var Nodes = map[*Node]int{}

// Count reads Nodes: mapaccess needs map[*Node]int's descriptor, which only this code refers to.
func Count(n *Node) int { return Nodes[n] }
