package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An image resolved for one platform: its manifest, config and layers. */
public final class ResolvedImage {
    private final String name;
    private final Descriptor target;
    private final Descriptor manifest;
    private final Descriptor configDescriptor;
    private final JsonNode config;
    private final List<Descriptor> layers;
    private final List<String> diffIds;

    ResolvedImage(String name, Descriptor target, Descriptor manifest, Descriptor configDescriptor, JsonNode config,
                  List<Descriptor> layers) {
        this.name = name;
        this.target = target;
        this.manifest = manifest;
        this.configDescriptor = configDescriptor;
        this.config = config;
        this.layers = List.copyOf(layers);
        List<String> ids = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> ids.add(d.asText()));
        this.diffIds = List.copyOf(ids);
    }

    /** Walks from {@code target} (an index or a manifest) to the manifest for {@code platform}. */
    public static ResolvedImage resolve(String name, Descriptor target, Platform platform, BlobSource blobs) {
        Descriptor manifest = target;
        for (int depth = 0; MediaTypes.isIndex(manifest.mediaType()); depth++) {
            if (depth > 4) {
                throw new IllegalArgumentException(name + ": indexes nested too deep");
            }
            JsonNode index = Json.parse(blobs.read(manifest.digest()), "index " + manifest.digest());
            manifest = selectManifest(name, index, platform);
        }
        if (!MediaTypes.isManifest(manifest.mediaType())) {
            throw new IllegalArgumentException(name + ": unsupported manifest media type " + manifest.mediaType());
        }
        JsonNode m = Json.parse(blobs.read(manifest.digest()), "manifest " + manifest.digest());
        Descriptor configDesc = Descriptor.fromJson(m.path("config"));
        JsonNode config = Json.parse(blobs.read(configDesc.digest()), "image config " + configDesc.digest());
        List<Descriptor> layers = new ArrayList<>();
        m.path("layers").forEach(l -> layers.add(Descriptor.fromJson(l)));
        return new ResolvedImage(name, target, manifest, configDesc, config, layers);
    }

    /** The entry of an index (or manifest list) for {@code platform}; a lone entry without platform is taken. */
    public static Descriptor selectManifest(String name, JsonNode index, Platform platform) {
        for (JsonNode m : index.path("manifests")) {
            Descriptor d = Descriptor.fromJson(m);
            if (platform.matches(d.platform()) || (d.platform() == null && index.path("manifests").size() == 1)) {
                return d;
            }
        }
        throw new IllegalArgumentException(name + ": no image for platform " + platform + " in its index");
    }

    public String name() {
        return name;
    }

    public Descriptor target() {
        return target;
    }

    public Descriptor manifest() {
        return manifest;
    }

    public Descriptor configDescriptor() {
        return configDescriptor;
    }

    /** The whole image config document ({@code config}, {@code rootfs}, {@code os}, ...). */
    public JsonNode config() {
        return config;
    }

    public List<Descriptor> layers() {
        return layers;
    }

    public List<String> diffIds() {
        return diffIds;
    }

    /** The snapshot name of the image's top layer. */
    public String chainId() {
        return Digest.chainId(diffIds);
    }
}
