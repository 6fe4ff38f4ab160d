"""Report forms: the committee's own questions, answered field by field (issue #12).

`model` is pure (the form, answers, parsing, the one-message template, the text
rendering); `yamlio` reads and writes the YAML format of docs/forms.md.
"""
