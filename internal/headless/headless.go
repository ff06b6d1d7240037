// Package headless opens local pages in headless Chromium for tests, with
// JavaScript on or off, and records what a page did besides showing
// itself: every request it sent, every console message, script error and
// dialog. It is for tests only; the gpaudit binary never starts a browser.
package headless

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Find returns the path of a Chromium on PATH: Debian's chromium, or
// another name a distribution gives it.
func Find() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no chromium on PATH (apt-get install chromium)")
}

// Browser is one headless Chromium.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Start starts the browser at path, headless and without a sandbox (tests
// run as root in CI), at a window of width by height pixels.
func Start(ctx context.Context, path string, width, height int) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(width, height),
		chromedp.Flag("hide-scrollbars", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(actx)
	// The first Do starts the browser.
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		cancelAlloc()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return &Browser{ctx: bctx, cancel: func() { cancel(); cancelAlloc() }}, nil
}

// Close ends the browser.
func (b *Browser) Close() { b.cancel() }

// Page is one tab with a page loaded.
type Page struct {
	ctx    context.Context
	cancel context.CancelFunc
	url    string
	wg     sync.WaitGroup

	mu       sync.Mutex
	requests []string
	problems []string
}

// Open loads url in a new tab, with JavaScript on or off, and returns once
// the page has loaded.
func (b *Browser) Open(url string, script bool) (*Page, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{ctx: ctx, cancel: cancel, url: url}
	// Subscribe before anything happens, so that nothing is missed.
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	console := chromedp.Console(ctx)
	p.wg.Add(3)
	go func() {
		defer p.wg.Done()
		for ev, err := range requests {
			if err != nil {
				return
			}
			p.note(&p.requests, ev.Request.URL)
		}
	}()
	go func() {
		defer p.wg.Done()
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			p.note(&p.problems, fmt.Sprintf("%s dialog: %s", ev.Type, ev.Message))
			// An open dialog stops the page; dismiss it, or every later
			// action would wait for it.
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		defer p.wg.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			p.note(&p.problems, fmt.Sprintf("console %s: %s", m.Type, m.Text))
		}
	}()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		p.Close()
		return nil, fmt.Errorf("enable network events: %w", err)
	}
	if !script {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			p.Close()
			return nil, fmt.Errorf("turn off javascript: %w", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		p.Close()
		return nil, fmt.Errorf("open %s: %w", url, err)
	}
	return p, nil
}

func (p *Page) note(list *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*list = append(*list, s)
}

// Eval evaluates a JavaScript expression in the page and decodes its
// value into a T. DevTools evaluates it even with the page's JavaScript
// off.
func Eval[T any](p *Page, expr string) (T, error) {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		return v, fmt.Errorf("evaluate %q: %w", expr, err)
	}
	return v, nil
}

// Select chooses value in the <select> that the CSS selector sel finds, as
// a person would, so that the page's input and change handlers run.
func (p *Page) Select(sel, value string) error {
	err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(sel), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`document.querySelector(%q).dispatchEvent(new Event("change", {bubbles: true}))`, sel)))
	if err != nil {
		return fmt.Errorf("select %q in %s: %w", value, sel, err)
	}
	return nil
}

// Type types text into the field that sel finds, key by key.
func (p *Page) Type(sel, text string) error {
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		return fmt.Errorf("type %q into %s: %w", text, sel, err)
	}
	return nil
}

// Click clicks the element that sel finds.
func (p *Page) Click(sel string) error {
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return fmt.Errorf("click %s: %w", sel, err)
	}
	return nil
}

// Screenshot returns a PNG of the whole page.
func (p *Page) Screenshot() ([]byte, error) {
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	return png, nil
}

// ScreenshotTop returns a PNG of what the window shows of the page's top.
func (p *Page) ScreenshotTop() ([]byte, error) {
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	return png, nil
}

// Print lays the page out as for print at a width of px pixels, as a
// sheet of paper's printable width is at 96 dots per inch.
func (p *Page) Print(px int) error {
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		return fmt.Errorf("emulate print: %w", err)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: int64(px), Height: 1000, DeviceScaleFactor: 1}); err != nil {
		return fmt.Errorf("set width %d: %w", px, err)
	}
	return nil
}

// PDF prints the page on A4.
func (p *Page) PDF() ([]byte, error) {
	res, err := chromedp.Call(p.ctx, page.PrintToPDF, page.PrintToPDFParams{
		PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: new(true), PrintBackground: new(true),
	})
	if err != nil {
		return nil, fmt.Errorf("print to pdf: %w", err)
	}
	return res.Data, nil
}

// Close closes the tab and returns what the page did besides loading url
// itself: the URLs it requested and the console messages, script errors
// and dialogs it gave.
func (p *Page) Close() (requests, problems []string) {
	p.cancel()
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.requests {
		if u != p.url && !strings.HasPrefix(u, p.url+"#") {
			requests = append(requests, u)
		}
	}
	return requests, p.problems
}
