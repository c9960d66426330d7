package pipeline

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorClass says how the runner goes on after a stage fails.
type ErrorClass int

const (
	// Transient failures (a broker or server down, a timeout) are retried
	// with backoff; the runner reports not ready meanwhile. Every error
	// that is not one of the two below is transient.
	Transient ErrorClass = iota
	// Permanent failures concern single records the sink can never write
	// (a value ClickHouse refuses): the sink writes the others and returns
	// a *RefusedError, and the refused records go to the rejects table and
	// the dead-letter topic with ReasonRefusedByStorage.
	Permanent
	// Fatal failures cannot be fixed by retrying (missing table, refused
	// credentials): the runner stops without committing, and the process
	// exits non-zero saying what to do (*FatalError).
	Fatal
)

func (c ErrorClass) String() string {
	return [...]string{"transient", "permanent", "fatal"}[c]
}

// Classify returns the class of err.
func Classify(err error) ErrorClass {
	var fatal *FatalError
	var refused *RefusedError
	switch {
	case errors.As(err, &fatal):
		return Fatal
	case errors.As(err, &refused):
		return Permanent
	}
	return Transient
}

// FatalError is a failure that retrying cannot fix.
type FatalError struct {
	Err    error
	Advice string // what the operator should do, e.g. "run voc migrate"
}

func (e *FatalError) Error() string { return e.Err.Error() + "; " + e.Advice }
func (e *FatalError) Unwrap() error { return e.Err }

// NewFatal marks err as fatal, with advice for the operator.
func NewFatal(err error, advice string) error { return &FatalError{Err: err, Advice: advice} }

// Refused is one record of a batch that the sink can never write.
type Refused struct {
	Index  int    // in the batch given to Sink.Write
	Detail string // why, e.g. the server's error
}

// RefusedError is returned by Sink.Write when it wrote every record of the
// batch except Records.
type RefusedError struct {
	Records []Refused
}

func (e *RefusedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d record(s) refused permanently", len(e.Records))
	if len(e.Records) > 0 {
		fmt.Fprintf(&b, " (first: %s)", e.Records[0].Detail)
	}
	return b.String()
}
