// nodebridge forwards connections between a listener and a dialled address, each `tcp:HOST:PORT` or
// `unix:PATH`. A real node reaches the control plane (on 127.0.0.1 of the root network namespace) with two
// of them: one in the root namespace from a unix socket to the apiserver, one in the node's namespace from
// its 127.0.0.1 to that socket; it dials nothing but a unix socket or a loopback address.
//
//	nodebridge unix:/state/node-2/apiserver.sock tcp:127.0.0.1:32765     (root namespace)
//	nodebridge tcp:127.0.0.1:32765 unix:/state/node-2/apiserver.sock     (in the node's namespace)
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// parse reads tcp:HOST:PORT or unix:PATH; a dialled TCP address must be loopback (the listener may be any
// address of the namespace it runs in, e.g. the kubernetes Service's IP inside a node's namespace).
func parse(a string, dial bool) (network, addr string) {
	network, addr, ok := strings.Cut(a, ":")
	if !ok || (network != "tcp" && network != "unix") {
		fmt.Fprintf(os.Stderr, "nodebridge: %q: want tcp:HOST:PORT or unix:PATH\n", a)
		os.Exit(2)
	}
	if network == "tcp" && dial {
		if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
			fmt.Fprintf(os.Stderr, "nodebridge: %q: only loopback TCP addresses\n", a)
			os.Exit(2)
		}
	}
	return network, addr
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: nodebridge LISTEN DIAL   (tcp:HOST:PORT or unix:PATH; DIAL: unix or loopback)")
		os.Exit(2)
	}
	ln, la := parse(os.Args[1], false)
	dn, da := parse(os.Args[2], true)
	if ln == "unix" {
		_ = os.Remove(la)
	}
	l, err := net.Listen(ln, la)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nodebridge:", err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; l.Close(); os.Exit(0) }()
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "nodebridge: accept:", err)
			os.Exit(1)
		}
		go func() {
			defer c.Close()
			d, err := net.Dial(dn, da)
			if err != nil {
				fmt.Fprintln(os.Stderr, "nodebridge: dial:", err)
				return
			}
			defer d.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(d, c); closeWrite(d); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, d); closeWrite(c); done <- struct{}{} }()
			<-done
			<-done
		}()
	}
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
