package dev.dbpromote.config;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Line numbers of key paths in a YAML text ({@code environments.dev.database.strategy -> 12}), so
 * checks that run after binding can still point at a line. Uses SnakeYAML's node tree (Jackson's
 * YAML backend), which keeps marks that Jackson's own tree drops.
 */
public final class YamlLines {

    private final Map<String, Integer> lines = new HashMap<>();

    private YamlLines() {
    }

    public static YamlLines of(String text) {
        YamlLines index = new YamlLines();
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
            if (root != null) {
                index.walk(root, "");
            }
        } catch (RuntimeException e) {
            // Unparsable text was already reported by the binder; an empty index only costs line numbers.
        }
        return index;
    }

    private void walk(Node node, String path) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key) {
                    String p = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                    lines.put(p, key.getStartMark().getLine() + 1);
                    walk(t.getValueNode(), p);
                }
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String p = path + "[" + i + "]";
                lines.put(p, item.getStartMark().getLine() + 1);
                walk(item, p);
            }
        }
    }

    /** The 1-based line of {@code path}, or of its nearest ancestor that has one; 0 when unknown. */
    public int line(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }
}
