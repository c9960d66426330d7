// Package opsserver is the operations HTTP endpoint of a long-running voc
// process (`voc run`, `voc demo`): Prometheus metrics on /metrics, liveness
// on /healthz, readiness on /readyz (every readiness check must pass), and
// pprof under /debug/pprof/. It binds its address before returning, so a
// port that is taken fails the command at start, not later in a goroutine.
package opsserver
