package main

import (
	"context"
	"fmt"

	"github.com/voc-analytics/voc/internal/chlocal"
)

func init() {
	register(&command{
		Name:    "install",
		Summary: "download (npm pack), verify and unpack the embedded ClickHouse engine into the cache, once",
		New:     func() Invocation { return installMain{} },
	})
}

// installMain is one run of `voc install`.
type installMain struct{ noFlags }

func (installMain) Run(ctx context.Context, env *Env, args []string) error {
	lib, err := chlocal.Install(ctx, env.Getenv, env.Log)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ClickHouse engine %s@%s ready: %s\n", chlocal.Package, chlocal.PackageVersion, lib)
	return nil
}
