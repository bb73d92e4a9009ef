#pragma once

#include "error.h"

#include <QDir>
#include <QString>
#include <QStringList>

#include <functional>

namespace listinglens {

// One row of a catalogue CSV, as `listinglens import` stores it once checked.
struct CatalogueRow {
    int line = 0;        // where the row starts in the file
    QString photo;       // absolute path
    QString categoryId;
    double price = 0;
    QString title;
    QString description;
};

struct CatalogueRules {
    QDir folder;               // the catalogue's folder: photo paths are relative to it
    bool allowOutside = false; // import --allow-outside: absolute paths and ../ are followed
    std::function<bool(const QString &)> knownCategory;
};

// Checks one row (photo path, category id, price, title, description) before
// anything of the catalogue is classified or stored, so that a refused row
// writes nothing:
// - the photo path stays inside the folder: relative, no way out through ..
//   or through a link (one that cannot be followed counts as leaving), unless
//   allowOutside; the answer is the same whether or not anything exists
//   outside, so a catalogue cannot probe the machine's files;
// - the category is known; the price is a finite number from 0 to kMaxPrice;
// - title and description are bounded (kMaxTitleChars, kMaxDescriptionChars)
//   and hold no control characters (line breaks only in the description).
// The error's message starts with "line N: " and quotes the file's text
// without control characters, shortened.
Result<CatalogueRow> checkCatalogueRow(int line, const QStringList &fields, const CatalogueRules &rules);

} // namespace listinglens
