package dev.dbpromote.jenkins;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.File;
import org.jenkinsci.plugins.workflow.libs.LibraryRetriever;
import org.jenkinsci.plugins.workflow.libs.LibraryRetrieverDescriptor;
import org.jvnet.hudson.test.TestExtension;
import org.kohsuke.stapler.DataBoundConstructor;

/** The shared library as this checkout has it: {@code vars/} and {@code resources/} of the repository root, any version. */
public class LocalLibraryRetriever extends LibraryRetriever {
    private final String root;

    @DataBoundConstructor
    public LocalLibraryRetriever(String root) {
        this.root = root;
    }

    public String getRoot() {
        return root;
    }

    @Override
    public void retrieve(String name, String version, boolean changelog, FilePath target, Run<?, ?> run, TaskListener listener)
            throws Exception {
        retrieve(name, version, target, run, listener);
    }

    @Override
    public void retrieve(String name, String version, FilePath target, Run<?, ?> run, TaskListener listener) throws Exception {
        FilePath checkout = new FilePath(new File(root));
        for (String folder : new String[] {"vars", "resources"}) {
            checkout.child(folder).copyRecursiveTo(target.child(folder));
        }
        listener.getLogger().println("Loaded library " + name + "@" + version + " from the checkout " + root);
    }

    @TestExtension
    public static final class DescriptorImpl extends LibraryRetrieverDescriptor {
    }
}
