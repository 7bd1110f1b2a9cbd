package io.jnerd.bench.macro;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * chart.png: one panel per metric (units differ, so they share no axis), a horizontal bar
 * per mode at its median with a min–max whisker and the median written next to it.
 * Java2D on a BufferedImage needs no display; the caller sets java.awt.headless.
 */
public final class BarChart {
    private static final int PANEL_W = 560;
    private static final int BAR_H = 18;
    private static final int BAR_GAP = 6;
    private static final int LABEL_W = 110;
    private static final int VALUE_W = 70;
    private static final int TITLE_H = 26;
    private static final int COLUMNS = 2;
    private static final Color[] MODE_COLORS = {
        new Color(0x4d4d4d), new Color(0x8c8c8c), new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c)};

    private BarChart() {}

    public static void write(BenchResults results, Path png) throws IOException {
        BufferedImage image = render(results);
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK for " + png);
        }
    }

    public static BufferedImage render(BenchResults results) {
        List<Metric> metrics = results.metrics();
        List<Mode> modes = results.modes();
        int panelH = TITLE_H + modes.size() * (BAR_H + BAR_GAP) + 14;
        int rows = Math.max(1, (metrics.size() + COLUMNS - 1) / COLUMNS);
        int headerH = 40;
        BufferedImage img = new BufferedImage(PANEL_W * COLUMNS + 20, headerH + rows * panelH + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("jnerd bench: median per mode (whisker: min–max)", 10, 26);
            for (int i = 0; i < metrics.size(); i++) {
                int x = 10 + (i % COLUMNS) * PANEL_W;
                int y = headerH + (i / COLUMNS) * panelH;
                panel(g, results, metrics.get(i), modes, x, y);
            }
            if (metrics.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                g.drawString("no workload produced numbers (see results.md)", 10, headerH + 20);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void panel(Graphics2D g, BenchResults results, Metric metric, List<Mode> modes, int x, int y) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(metric.title() + " (" + metric.unit() + (metric.higherIsBetter() ? ", higher is better)" : ", lower is better)"),
                x, y + 16);
        List<Optional<Series>> series = new ArrayList<>();
        double max = 0;
        for (Mode m : modes) {
            Optional<Series> s = results.series(metric, m);
            series.add(s);
            if (s.isPresent()) {
                max = Math.max(max, s.get().max());
            }
        }
        int barAreaW = PANEL_W - LABEL_W - VALUE_W - 20;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < modes.size(); i++) {
            int by = y + TITLE_H + i * (BAR_H + BAR_GAP);
            g.setColor(Color.DARK_GRAY);
            g.drawString(modes.get(i).label(), x + LABEL_W - 8 - fm.stringWidth(modes.get(i).label()), by + BAR_H - 5);
            Optional<Series> s = series.get(i);
            int bx = x + LABEL_W;
            if (s.isEmpty()) {
                g.setColor(Color.GRAY);
                g.drawString("not measured", bx + 4, by + BAR_H - 5);
                continue;
            }
            double scale = max > 0 ? barAreaW / max : 0;
            int w = Math.max(1, (int) Math.round(s.get().median() * scale));
            g.setColor(MODE_COLORS[modes.get(i).ordinal() % MODE_COLORS.length]);
            g.fillRect(bx, by, w, BAR_H);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            int lo = bx + (int) Math.round(s.get().min() * scale);
            int hi = bx + (int) Math.round(s.get().max() * scale);
            int mid = by + BAR_H / 2;
            g.drawLine(lo, mid, hi, mid);
            g.drawLine(lo, mid - 4, lo, mid + 4);
            g.drawLine(hi, mid - 4, hi, mid + 4);
            g.drawString(Numbers.value(s.get().median()), Math.max(bx + w, hi) + 6, by + BAR_H - 5);
        }
    }
}
