package chlocal

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

const (
	childEnv     = "VOC_CHLOCAL_CHILD" // set to the library path in the child
	childArgsEnv = "VOC_CHLOCAL_ARGS"  // JSON array of clickhouse-local arguments
)

// RunChildIfRequested turns the current process into the embedded ClickHouse
// server when it was started by Start, and never returns in that case. Call it
// first thing in main and in TestMain of packages that start a Server.
func RunChildIfRequested() {
	lib := os.Getenv(childEnv)
	if lib == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(childArgsEnv)), &args); err != nil {
		fmt.Fprintf(os.Stderr, "chlocal child: bad %s: %v\n", childArgsEnv, err)
		os.Exit(2)
	}
	os.Exit(runEngine(lib, args))
}

func runEngine(lib string, args []string) int {
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "chlocal child: load %s: %v\n", lib, err)
		return 3
	}
	var queryCmdline func(argc int32, argv **byte) uintptr
	var resultError func(res uintptr) string
	purego.RegisterLibFunc(&queryCmdline, h, "chdb_query_cmdline")
	purego.RegisterLibFunc(&resultError, h, "chdb_result_error")

	// C strings in memory the Go GC never sees: the engine keeps argv for
	// the life of the process.
	argv := make([]*byte, 0, len(args)+1)
	for _, a := range args {
		argv = append(argv, cString(a))
	}
	argv = append(argv, nil)
	cArgv := (**byte)(cAlloc(len(argv) * int(unsafe.Sizeof(uintptr(0)))))
	copy(unsafe.Slice(cArgv, len(argv)), argv)

	runtime.LockOSThread()
	res := queryCmdline(int32(len(args)), cArgv)
	if res == 0 {
		fmt.Fprintln(os.Stderr, "chlocal child: engine returned no result")
		return 4
	}
	if msg := resultError(res); msg != "" {
		fmt.Fprintf(os.Stderr, "chlocal child: engine error: %s\n", msg)
		return 5
	}
	return 0
}
