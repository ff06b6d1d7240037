package report

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gpaudit/gpaudit/engine"
	"github.com/gpaudit/gpaudit/english"
)

// JUnit writes a report that validates against the Jenkins xUnit schema
// junit-10.xsd, for CI systems that decide a build from test results.
//
// The schema allows no <properties> inside a <testcase>, so each check's
// severity, policy and cohort are properties of its <testsuite>, named
// "TEST.severity", "TEST.policy" and "TEST.cohort" after the test's name.
//
// A case's classname is "gpaudit.", the configuration folder with dots for
// slashes, and the file's stem ("gpaudit.examples.quickstart.main"), so the
// reports of several folders merge with no two cases sharing a name and a
// classname. The schema has no skipped count on <testsuites>; each
// <testsuite> counts its skips, and its tests include them.
type JUnit struct {
	// Folder is the configuration folder as Options.ConfigDir names it; ""
	// leaves it out of classnames.
	Folder string
}

// NewJUnit returns a JUnit reporter.
func NewJUnit() *JUnit {
	return &JUnit{}
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	File       string           `xml:"file,attr,omitempty"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Properties []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitOutcome `xml:"failure"`
	Error     *junitOutcome `xml:"error"`
	Skipped   *junitOutcome `xml:"skipped"`
	SystemOut *junitText    `xml:"system-out"`
}

// junitOutcome is a <failure>, <error> or <skipped> element.
type junitOutcome struct {
	Message string
	Type    string
	Text    string
}

// MarshalXML writes the body through an xml.CharData token, which keeps line
// breaks as they are; a ",chardata" field would turn each into "&#xA;".
func (o junitOutcome) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if o.Message != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: o.Message})
	}
	if o.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: o.Type})
	}
	return encodeText(e, start, o.Text)
}

// junitText is an element holding only text, with line breaks kept.
type junitText string

// MarshalXML writes t as the element's text.
func (t junitText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodeText(e, start, string(t))
}

func encodeText(e *xml.Encoder, start xml.StartElement, text string) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if text != "" {
		if err := e.EncodeToken(xml.CharData(text)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Report writes r as one JUnit XML document: a <testsuite> per HCL file that
// declares checks, in order of first appearance, and a <testcase> per check.
func (j *JUnit) Report(w io.Writer, r *engine.Results) error {
	asOf := formatAsOf(r.AsOf)
	b := newJUnitBuilder("gpaudit", func(file string) junitSuite {
		name := "gpaudit"
		if stem := fileStem(file); stem != "" {
			name = stem
		}
		return junitSuite{Name: name, Time: "0", Timestamp: asOf, File: file, Properties: &junitProperties{}}
	})

	for _, c := range r.Checks {
		tc := junitCase{Name: c.Name, Classname: classname(j.Folder, c.File), Time: "0"}

		var out []string // the case's <system-out>
		switch c.Status {
		case engine.StatusPass:
			// Waived findings are listed, though they fail nothing.
			for _, f := range c.Findings {
				out = append(out, marked(f))
			}
		case engine.StatusFail:
			lines := make([]string, len(c.Findings))
			for k, f := range c.Findings {
				lines[k] = marked(f)
			}
			tc.Failure = &junitOutcome{
				Message: failureMessage(c, r.Baseline),
				Type:    c.Severity,
				Text:    strings.Join(lines, "\n"),
			}
		case engine.StatusError:
			tc.Error = &junitOutcome{Message: c.Error, Text: c.Error}
		case engine.StatusSkip:
			tc.Skipped = &junitOutcome{Message: cmp.Or(c.Error, notSelected)}
		default:
			return fmt.Errorf("junit report: check %q has unknown status %q", c.Name, c.Status)
		}
		for _, f := range c.Warnings {
			out = append(out, "warn: "+findingLine(f))
		}
		if len(out) > 0 {
			text := junitText(strings.Join(out, "\n"))
			tc.SystemOut = &text
		}

		s, name := b.add(c.File, tc)
		s.Properties.Properties = append(s.Properties.Properties,
			junitProperty{Name: name + ".severity", Value: c.Severity},
			junitProperty{Name: name + ".policy", Value: c.Policy},
			junitProperty{Name: name + ".cohort", Value: c.Cohort},
		)
	}

	return writeJUnit(w, b.done())
}

// failureMessage is a failing check's "N findings", saying how many of them
// are waived and, under a baseline, new.
func failureMessage(c engine.CheckResult, baseline bool) string {
	msg := english.Plural(len(c.Findings), "finding")
	if waived := len(c.Findings) - c.Counting(); waived > 0 {
		msg += fmt.Sprintf(", %d waived", waived)
	}
	if baseline {
		msg += fmt.Sprintf(", %d new", fresh(c))
	}
	return msg
}

// marked is findingLine with what a waiver or a baseline says of the
// finding: "(waived by NAME)", "(new)".
func marked(f engine.Finding) string {
	line := findingLine(f)
	if f.WaivedBy != "" {
		line += " (waived by " + clean(f.WaivedBy) + ")"
	}
	if f.Baseline == engine.BaselineNew {
		line += " (new)"
	}
	return line
}

// junitBuilder builds the document both JUnit reports share, check results
// and test results alike: cases grouped into a suite per file in order of
// first appearance, names kept unique, every count made from the cases.
type junitBuilder struct {
	doc      junitSuites
	newSuite func(file string) junitSuite
	suiteOf  map[string]int // file → index in doc.Suites
	taken    map[[2]string]bool
}

// newJUnitBuilder starts a <testsuites> called name; newSuite makes the
// <testsuite> of a file the first time a case of that file is added.
func newJUnitBuilder(name string, newSuite func(file string) junitSuite) *junitBuilder {
	return &junitBuilder{
		doc:      junitSuites{Name: name, Time: "0"},
		newSuite: newSuite,
		suiteOf:  map[string]int{},
		taken:    map[[2]string]bool{},
	}
}

// add puts tc into the suite of file, renamed by uniqueName if an earlier
// case has its name and classname, and counts its outcome. It returns the
// suite, for properties that name the case, and the name tc was given; the
// suite is valid until the next add.
func (b *junitBuilder) add(file string, tc junitCase) (*junitSuite, string) {
	i, ok := b.suiteOf[file]
	if !ok {
		i = len(b.doc.Suites)
		b.suiteOf[file] = i
		b.doc.Suites = append(b.doc.Suites, b.newSuite(file))
	}
	s := &b.doc.Suites[i]
	tc.Name = uniqueName(b.taken, tc.Name, tc.Classname)
	s.Tests++
	if tc.Failure != nil {
		s.Failures++
	}
	if tc.Error != nil {
		s.Errors++
	}
	if tc.Skipped != nil {
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
	return s, tc.Name
}

// done sums the suites' counts into the document and returns it.
func (b *junitBuilder) done() junitSuites {
	doc := b.doc
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	return doc
}

// writeJUnit encodes doc whole before writing, so a failure writes nothing.
func writeJUnit(w io.Writer, doc junitSuites) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit report: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}

// notSelected is the reason a skipped case gives when its check result gives
// none: a check is skipped only when the run did not select it.
const notSelected = "not selected for this run"

// classname is a case's classname: "gpaudit", the folder's parts and the
// file's stem, joined by dots. A folder "." or "" adds nothing.
func classname(folder, file string) string {
	parts := []string{"gpaudit"}
	for _, p := range strings.Split(filepath.ToSlash(folder), "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	if stem := fileStem(file); stem != "" {
		parts = append(parts, stem)
	}
	return strings.Join(parts, ".")
}

// fileStem names a suite after its HCL file: "dir/main.hcl" gives "main".
// It is empty for checks without a file; they share a suite named "gpaudit".
func fileStem(file string) string {
	if file == "" {
		return ""
	}
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// uniqueName returns name, or name with " (2)", " (3)", … appended when
// name and classname are already taken, because GitLab and Jenkins merge test
// cases that share both. The first check keeps its name, so the result
// depends only on the order of the checks.
func uniqueName(taken map[[2]string]bool, name, classname string) string {
	candidate := name
	for n := 2; taken[[2]string{candidate, classname}]; n++ {
		candidate = name + " (" + strconv.Itoa(n) + ")"
	}
	taken[[2]string{candidate, classname}] = true
	return candidate
}
