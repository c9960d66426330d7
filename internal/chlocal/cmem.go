package chlocal

import (
	"syscall"
	"unsafe"
)

// cAlloc returns n zeroed bytes outside the Go heap (an anonymous mapping),
// so pointers to it may be handed to C without cgo pointer rules applying.
func cAlloc(n int) unsafe.Pointer {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic("chlocal: mmap: " + err.Error())
	}
	return unsafe.Pointer(&b[0])
}

func cString(s string) *byte {
	p := (*byte)(cAlloc(len(s) + 1))
	copy(unsafe.Slice(p, len(s)+1), s)
	return p
}
