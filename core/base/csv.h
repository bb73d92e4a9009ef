#pragma once

#include <QStringList>

#include <functional>

class QIODevice;

namespace listinglens {

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
// Returns false at a quote left open at the end of the input.
bool readCsv(QIODevice &device, const std::function<void(int line, const QStringList &fields)> &row);

// One CSV line (with "\r\n"), quoting fields that need it. Fields starting
// with = + - @ are prefixed with ' so spreadsheets do not run them as formulas.
QByteArray csvLine(const QStringList &fields);

} // namespace listinglens
