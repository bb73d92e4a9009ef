#pragma once

#include <QStringList>
#include <QStringView>

#include <functional>

class QIODevice;

namespace listinglens {

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
// Returns false at a quote left open at the end of the input.
bool readCsv(QIODevice &device, const std::function<void(int line, const QStringList &fields)> &row);

// Whether a cell a spreadsheet could see in the field, whatever it splits
// lines on, begins with one of `characters` (after any blanks and quotes):
// at the field's start, or after any character a locale or a person may pick
// as a separator (, ; tab | the Arabic comma and semicolon, a line break).
bool beginsACellWith(const QString &field, QStringView characters);

// Whether a spreadsheet could run part of the field as a formula: a cell
// begins with = + - or @, or the field starts with a tab or a CR (OWASP).
bool looksLikeFormula(const QString &field);

// The field with a ' where each such cell begins (before its blanks), so a
// spreadsheet shows it as text whatever its separator: "=1+1" becomes
// "'=1+1", "phone;=1+1" becomes "phone;'=1+1".
QString neutralisedForSpreadsheets(const QString &field);

// One CSV line (with "\r\n"): each field neutralisedForSpreadsheets(), and
// quoted when it holds a quote, a line break or any separator character.
QByteArray csvLine(const QStringList &fields);

} // namespace listinglens
