#pragma once

#include <QString>

#include <optional>

namespace listinglens {
struct PriceSuggestion;
}

namespace listinglens::ui {

// Prices as the workbench writes them, everywhere: whole units from 10 up
// ("EUR 96", never "EUR 95.50"), cents only below that ("EUR 4.50"), digits
// grouped as the locale does.
QString formatPrice(const QString &currency, double value);
// A decision's or a listing's price; "No price yet" when it has none (never "EUR 0").
QString formatPrice(const QString &currency, const std::optional<double> &value);
// The suggestion's figure, or "No price yet" (basis None).
QString formatSuggestedPrice(const listinglens::PriceSuggestion &price);
// "EUR 40 – 90"; a range that collapses once rounded is one price ("EUR 264").
QString formatPriceRange(const QString &currency, double low, double high);
// The suggestion's range (formatPriceRange); empty when it is no wider than its point.
QString suggestionRangeText(const listinglens::PriceSuggestion &price);

} // namespace listinglens::ui
