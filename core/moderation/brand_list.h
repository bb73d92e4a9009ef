#pragma once

#include "error.h"
#include "moderation_result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// The market's brands, from a CSV file it edits (resources/brands.csv and
// brands.README.md: brand,category_id,aliases,common_word). A brand may have
// several rows, one per category its product lines imply: its first row
// holds the name, later ones only add their aliases. Bad rows are
// skipped with a warning; a file that cannot be read, has an unclosed quote
// or no usable row at all is an Error.
class BrandList {
public:
    struct Entry {
        QString name;           // as shown ("Samsung")
        QString categoryId;     // a taxonomy id, or empty
        QStringList spellings;  // the name first, then the aliases
        bool commonWord = false; // an ordinary word too (Apple, Next): only capitalised spellings count
    };

    static Result<BrandList> load(const QString &path);
    static Result<BrandList> fromCsv(const QByteArray &csv, const QString &source = QStringLiteral("brand list"));
    // The list in use: the file $LISTINGLENS_BRANDS names when it is set and
    // loads, else the sample bundled at :/listinglens/brands.csv. Loaded once.
    static const BrandList &builtin();

    const std::vector<Entry> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.empty(); }
    const QString &source() const { return m_source; } // the file it came from
    // Whether one word read alone names a brand of the list, as findBrands
    // would find it ("LG", "(Bosch)"; not "lg", not "apple").
    bool names(const QString &word) const;

private:
    friend void findBrands(PhotoText &text, const BrandList &brands);
    struct Spelling {
        QStringList tokens; // folded, as tokensOf() makes them
        int entry = 0;
        bool exactCase = false; // short names (HP, LG): the letters as listed, or all capitals
        bool camel = false;     // written with an inner capital (iPhone, PlayStation)
    };
    int addSpellings(const Entry &e); // the entry's usable spellings (it comes next in m_entries): how many
    std::vector<Entry> m_entries;
    std::vector<Spelling> m_spellings;
    QString m_source;
};

// Fills text.brands and text.models from text.lines.
// Brands: whole words, case-insensitive, any punctuation around them
// ("SAMSUNG.", "(Bosch)"), a digit OCR read for a letter (B0SCH) forgiven,
// words run together split where a small letter meets a capital
// ("OpentheAppleWatch"), never part of another word ("Pineapple"); a common-word brand only when
// capitalised ("Apple pie" counts, "apple pie" does not). One entry per
// brand, strongest first: most lines naming it, then the most confident line,
// then the tallest. Models: tokens of 4 to 12 letters and digits mixed
// ("A2337", "WH-1000XM4", "SM-G991B"), never a contact detail found on the
// line, a price, a date, an amount with its unit (16GB, 120cm) or a plain number.
void findBrands(PhotoText &text, const BrandList &brands = BrandList::builtin());

// Whether one token (punctuation around it already stripped) looks like a model number.
bool looksLikeModel(const QString &token);

} // namespace listinglens
