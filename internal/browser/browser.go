package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvChromium names the browser binary to use instead of searching PATH.
const EnvChromium = "VOC_CHROMIUM"

// ErrNotFound means no Chromium binary was found.
var ErrNotFound = errors.New("chromium not found: install it (apt-get install -y chromium) or set " + EnvChromium)

// Find returns the Chromium binary: $VOC_CHROMIUM, else chromium,
// chromium-browser or google-chrome from PATH.
func Find(getenv func(string) string) (string, error) {
	if p := getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvChromium, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Options say how to load a page.
type Options struct {
	Width, Height int           // viewport in CSS pixels; default 1280 x 900
	Scale         float64       // device scale factor; default 1
	Mobile        bool          // emulate a phone (touch, mobile viewport)
	Screenshot    bool          // take a PNG screenshot of the viewport
	FullPage      bool          // with Screenshot: of the whole page
	Settle        time.Duration // extra wait after the load event, for pages that draw with scripts; default 300 ms
	WaitVisible   string        // optional CSS selector to wait for before the screenshot
	Timeout       time.Duration // whole load; default 60 s
	// Eval is JavaScript evaluated after the load (and WaitVisible), before
	// the screenshot; a promise is awaited. Its JSON value is Result.Value.
	Eval string
}

// Result is what the browser saw.
type Result struct {
	Title      string
	Errors     []string // console errors, uncaught exceptions, failed loads, in order
	Screenshot []byte   // PNG, when asked for
	Value      []byte   // JSON value of Options.Eval
}

// Load opens url (file://, http://) in a fresh headless Chromium at binary.
func Load(ctx context.Context, binary, url string, opt Options) (*Result, error) {
	if opt.Width == 0 {
		opt.Width, opt.Height = 1280, 900
	}
	if opt.Scale == 0 {
		opt.Scale = 1
	}
	if opt.Settle == 0 {
		opt.Settle = 300 * time.Millisecond
	}
	if opt.Timeout == 0 {
		opt.Timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "voc-chromium-")
	if err != nil {
		return nil, fmt.Errorf("chromium profile directory: %w", err)
	}
	defer os.RemoveAll(dir)
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(binary),
		chromedp.NoSandbox, // root in containers and CI
		chromedp.DisableGPU,
		chromedp.UserDataDir(dir),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	res := &Result{}
	var mu sync.Mutex
	var errs []string
	add := func(s string) {
		mu.Lock()
		errs = append(errs, s)
		mu.Unlock()
	}
	if err := chromedp.Listen(bctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				add("console." + string(e.Type) + ": " + consoleText(e.Args))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			add(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError && !strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
				add(fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		}
	}); err != nil {
		return nil, fmt.Errorf("start chromium (%s): %w", binary, err)
	}
	if _, err := chromedp.Call(bctx, runtime.Enable, cdp.Empty{}); err != nil {
		return nil, fmt.Errorf("chromium: enable console events: %w", err)
	}
	if _, err := chromedp.Call(bctx, cdplog.Enable, cdp.Empty{}); err != nil {
		return nil, fmt.Errorf("chromium: enable log events: %w", err)
	}
	viewport := []chromedp.EmulateViewportOption{chromedp.EmulateScale(opt.Scale)}
	if opt.Mobile {
		viewport = append(viewport, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(int64(opt.Width), int64(opt.Height), viewport...),
		chromedp.Navigate(url),
		chromedp.Sleep(opt.Settle),
	}
	if opt.WaitVisible != "" {
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(opt.WaitVisible)))
	}
	if err := chromedp.Do(bctx, steps...); err != nil {
		return nil, fmt.Errorf("load %s in chromium (%s): %w", url, binary, err)
	}
	title, err := chromedp.Run(bctx, chromedp.Title())
	if err != nil {
		return nil, fmt.Errorf("read the title of %s: %w", url, err)
	}
	res.Title = title
	if opt.Eval != "" {
		raw, err := chromedp.Run(bctx, chromedp.Evaluate[[]byte](opt.Eval, chromedp.EvalAwaitPromise))
		if err != nil {
			return nil, fmt.Errorf("evaluate script on %s: %w", url, err)
		}
		res.Value = raw
	}
	if opt.Screenshot {
		shoot := chromedp.CaptureScreenshot()
		if opt.FullPage {
			shoot = chromedp.FullScreenshot(100)
		}
		png, err := chromedp.Run(bctx, shoot)
		if err != nil {
			return nil, fmt.Errorf("screenshot %s: %w", url, err)
		}
		res.Screenshot = png
	}
	mu.Lock()
	res.Errors = append([]string(nil), errs...)
	mu.Unlock()
	return res, nil
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}
