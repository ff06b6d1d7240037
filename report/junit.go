package report

import (
	"bytes"
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
type JUnit struct{}

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
	doc := junitSuites{Name: "gpaudit", Time: "0"}
	suiteOf := map[string]int{} // CheckResult.File → index in doc.Suites
	taken := map[[2]string]bool{}

	for _, c := range r.Checks {
		i, ok := suiteOf[c.File]
		if !ok {
			i = len(doc.Suites)
			suiteOf[c.File] = i
			name := "gpaudit"
			if stem := fileStem(c.File); stem != "" {
				name = stem
			}
			doc.Suites = append(doc.Suites, junitSuite{
				Name: name, Time: "0", Timestamp: asOf, File: c.File,
				Properties: &junitProperties{},
			})
		}
		s := &doc.Suites[i]
		classname := "gpaudit"
		if stem := fileStem(c.File); stem != "" {
			classname += "." + stem
		}
		tc := junitCase{Name: uniqueName(taken, c.Name, classname), Classname: classname, Time: "0"}

		switch c.Status {
		case engine.StatusPass:
		case engine.StatusFail:
			lines := make([]string, len(c.Findings))
			for k, f := range c.Findings {
				lines[k] = findingLine(f)
			}
			tc.Failure = &junitOutcome{
				Message: english.Plural(len(c.Findings), "finding"),
				Type:    c.Severity,
				Text:    strings.Join(lines, "\n"),
			}
			s.Failures++
		case engine.StatusError:
			tc.Error = &junitOutcome{Message: c.Error, Text: c.Error}
			s.Errors++
		case engine.StatusSkip:
			tc.Skipped = &junitOutcome{Message: c.Error}
			s.Skipped++
		default:
			return fmt.Errorf("junit report: check %q has unknown status %q", c.Name, c.Status)
		}
		if len(c.Warnings) > 0 {
			lines := make([]string, len(c.Warnings))
			for k, f := range c.Warnings {
				lines[k] = "warn: " + findingLine(f)
			}
			out := junitText(strings.Join(lines, "\n"))
			tc.SystemOut = &out
		}

		s.Tests++
		s.Cases = append(s.Cases, tc)
		s.Properties.Properties = append(s.Properties.Properties,
			junitProperty{Name: tc.Name + ".severity", Value: c.Severity},
			junitProperty{Name: tc.Name + ".policy", Value: c.Policy},
			junitProperty{Name: tc.Name + ".cohort", Value: c.Cohort},
		)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}

	return writeJUnit(w, doc)
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
