package io.eventdedup.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Jib configuration of app/core/pom.xml's {@code image} profile, with the profile's ${properties} resolved. */
final class ImagePom {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    final Document pom;
    final Element profile;
    final Element jib;
    private final Map<String, String> properties = new HashMap<>();

    ImagePom(Path pomFile) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            pom = f.newDocumentBuilder().parse(pomFile.toFile());
        } catch (Exception e) {
            throw new IllegalStateException(pomFile + " is not readable XML", e);
        }
        profile = (Element) node("/project/profiles/profile[id='image']");
        if (profile == null) throw new AssertionError("app/core/pom.xml has no profile 'image'");
        jib = (Element) node("/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']");
        if (jib == null) throw new AssertionError("the image profile has no jib-maven-plugin");
        NodeList props = nodes("/project/profiles/profile[id='image']/properties/*");
        for (int i = 0; i < props.getLength(); i++) properties.put(props.item(i).getNodeName(), props.item(i).getTextContent().trim());
        properties.put("project.basedir", pomFile.getParent().toString());
        properties.put("project.build.directory", pomFile.getParent().resolve("target").toString());
    }

    Node node(String xpath) {
        try {
            return (Node) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.NODE);
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    NodeList nodes(String xpath) {
        try {
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.NODESET);
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    /** Text of a path below the Jib plugin element, e.g. {@code configuration/to/image}, properties resolved; null if absent. */
    String jib(String relativePath) {
        List<String> all = jibAll(relativePath);
        return all.isEmpty() ? null : all.get(0);
    }

    List<String> jibAll(String relativePath) {
        NodeList n = nodes("/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']/" + relativePath);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) out.add(resolve(n.item(i).getTextContent().trim()));
        return out;
    }

    String resolve(String text) {
        Matcher m = PROPERTY.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = properties.get(m.group(1));
            if (v == null) throw new AssertionError("unresolved property ${" + m.group(1) + "} in the image profile");
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
