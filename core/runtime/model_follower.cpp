#include "model_follower.h"

#include "logging.h"
#include "model_store.h"
#include "stored_listings.h"

namespace listinglens {

ModelFollower::ModelFollower(PredictionStore &store, Classifier &classifier, HeadFollower *heads)
    : m_store(store), m_classifier(classifier), m_heads(heads), m_shipped(classifier.manifest())
{
    const EngineInfo &info = classifier.engineInfo();
    m_engine.device = info.device;
    m_engine.threads = info.threads;
    m_engine.warmUp = false;
    m_engine.configureThreads = false; // the process's thread settings stay as they are
}

Result<bool> ModelFollower::refresh()
{
    auto active = activeModel(m_store);
    if (!active)
        return active.error();
    if (active.value().stamp == m_stamp)
        return false;
    m_stamp = active.value().stamp;
    ModelManifest manifest = m_shipped;
    if (active.value().version > 0) {
        auto model = loadModelVersion(m_store, active.value().version);
        auto path = model ? materialise(model.value(), m_shipped, defaultModelCacheDir()) : Result<QString>(model.error());
        auto loaded = path ? ModelManifest::fromFile(path.value()) : Result<ModelManifest>(path.error());
        if (!loaded)
            return loaded.error();
        manifest = std::move(loaded).value();
    }
    if (manifest.name == m_classifier.manifest().name && manifest.version == m_classifier.manifest().version)
        return false;
    auto engine = InferenceEngine::load(manifest, m_engine);
    if (!engine)
        return engine.error();
    if (auto set = m_classifier.setModel(std::move(engine).value()); !set)
        return set.error();
    m_version = active.value().version;
    // Similar listings: only those this model version embedded.
    if (m_classifier.listingIndex()) {
        if (auto index = loadListingIndex(m_store, m_classifier.engineInfo().embeddingDim, 200'000, manifest.version); index)
            m_classifier.setListingIndex(index.value());
        else
            return index.error();
    }
    if (m_heads) {
        m_heads->forget();
        if (auto head = m_heads->refresh(); !head)
            qCWarning(lcStore).noquote() << head.error().message;
    }
    return true;
}

} // namespace listinglens
