#include "photo_result.h"

namespace listinglens {

QString priceBasisName(PriceBasis basis)
{
    switch (basis) {
    case PriceBasis::Neighbours: return QStringLiteral("neighbours");
    case PriceBasis::Category: return QStringLiteral("category");
    case PriceBasis::Prior: return QStringLiteral("prior");
    case PriceBasis::None: return QStringLiteral("none");
    }
    return QStringLiteral("prior");
}

PriceBasis priceBasisFromName(const QString &name)
{
    for (PriceBasis b : {PriceBasis::Neighbours, PriceBasis::Category, PriceBasis::None})
        if (name == priceBasisName(b))
            return b;
    return PriceBasis::Prior;
}

} // namespace listinglens
