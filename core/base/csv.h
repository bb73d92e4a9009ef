#pragma once

#include <QStringList>

#include <functional>

class QIODevice;

namespace listinglens {

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
// Returns false at a quote left open at the end of the input.
bool readCsv(QIODevice &device, const std::function<void(int line, const QStringList &fields)> &row);

// Whether a spreadsheet may run the field as a formula: it starts with a tab
// or a CR, or with = + - @ after any leading whitespace.
bool looksLikeFormula(const QString &field);

// One CSV line (with "\r\n"), quoting fields that need it. A field that
// looksLikeFormula() is prefixed with ' so spreadsheets do not run it.
QByteArray csvLine(const QStringList &fields);

} // namespace listinglens
