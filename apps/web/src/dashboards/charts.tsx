/*
 * The charts, drawn with recharts. Each is hidden from screen readers
 * (`aria-hidden`, no keyboard layer): its table beside it says the same
 * numbers in a form they can read. Bars run sideways so a long name keeps a
 * line of its own on a phone; the bar's value is written at its end, so the
 * chart reads without a pointer. Colours: blue 8 and gray 6 stand out at 3:1
 * or more from the white behind them, text is gray 8.
 */
import { useMatches } from '@mantine/core';
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDay } from '../today/local-time';
import type { Bar as GroupBar, DosageBar } from './shape';

const DELIVERED = '#1971c2';
const PLANNED = '#868e96';
const INK = '#343a40';
const GRID = '#dee2e6';
const TICK = { fill: INK, fontSize: 12 };

/** A label cut to fit the axis; the table and the tooltip give it whole. */
function shorten(label: string, room: number): string {
  return label.length > room ? `${label.slice(0, room - 1)}…` : label;
}

function ChartFrame({ height, children }: { height: number; children: ReactNode }) {
  return (
    <div aria-hidden="true" style={{ width: '100%', height, minWidth: 0 }}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

function useLabelRoom() {
  return useMatches({ base: { width: 104, chars: 14 }, sm: { width: 180, chars: 26 } });
}

/** Minutes per group, one bar each. */
export function GroupBars({ bars }: { bars: GroupBar[] }) {
  const room = useLabelRoom();
  return (
    <ChartFrame height={48 + bars.length * 40}>
      <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 4 }} accessibilityLayer={false}>
        <CartesianGrid horizontal={false} stroke={GRID} />
        <XAxis type="number" allowDecimals={false} tick={TICK} stroke={INK} />
        <YAxis type="category" dataKey="label" width={room.width} interval={0} tick={TICK} stroke={INK} tickFormatter={(label: string) => shorten(label, room.chars)} />
        <Tooltip cursor={{ fill: '#f1f3f5' }} />
        <Bar dataKey="minutes" name="Minutes" fill={DELIVERED} isAnimationActive={false} maxBarSize={28}>
          <LabelList dataKey="minutes" position="right" fill={INK} fontSize={12} />
        </Bar>
      </BarChart>
    </ChartFrame>
  );
}

/** Minutes per week, in time order, as a line. */
export function WeekLine({ bars }: { bars: GroupBar[] }) {
  const short = (monday: string) => formatDay(monday, { month: 'short', day: 'numeric' });
  return (
    <ChartFrame height={280}>
      <LineChart data={bars} margin={{ top: 24, right: 24, bottom: 4, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke={GRID} />
        {/* Room at the ends and on top, so the first and last values and their labels clear the axes. */}
        <XAxis dataKey="key" tickFormatter={short} tick={TICK} stroke={INK} minTickGap={12} padding={{ left: 28, right: 28 }} />
        <YAxis allowDecimals={false} width={48} tick={TICK} stroke={INK} domain={[0, (highest: number) => Math.ceil(highest * 1.15)]} />
        <Tooltip labelFormatter={(monday) => `Week of ${short(String(monday))}`} />
        <Line dataKey="minutes" name="Minutes" stroke={DELIVERED} strokeWidth={2} dot={{ r: 4, fill: DELIVERED }} isAnimationActive={false}>
          <LabelList dataKey="minutes" position="top" fill={INK} fontSize={12} />
        </Line>
      </LineChart>
    </ChartFrame>
  );
}

/** Planned beside delivered minutes, a pair of bars per student (or one pair for everyone, anonymized). */
export function DosageBars({ bars }: { bars: DosageBar[] }) {
  const room = useLabelRoom();
  return (
    <ChartFrame height={80 + bars.length * 56}>
      <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 4 }} barGap={2} accessibilityLayer={false}>
        <CartesianGrid horizontal={false} stroke={GRID} />
        <XAxis type="number" allowDecimals={false} tick={TICK} stroke={INK} />
        <YAxis type="category" dataKey="label" width={room.width} interval={0} tick={TICK} stroke={INK} tickFormatter={(label: string) => shorten(label, room.chars)} />
        <Tooltip cursor={{ fill: '#f1f3f5' }} />
        {/* In the bars' order, planned first, rather than sorted by name. */}
        <Legend verticalAlign="top" itemSorter={null} wrapperStyle={{ fontSize: 14, paddingBottom: 8 }} formatter={(name: string) => <span style={{ color: INK }}>{name}</span>} />
        <Bar dataKey="planned" name="Planned minutes" fill={PLANNED} isAnimationActive={false} maxBarSize={20}>
          <LabelList dataKey="planned" position="right" fill={INK} fontSize={12} />
        </Bar>
        <Bar dataKey="delivered" name="Delivered minutes" fill={DELIVERED} isAnimationActive={false} maxBarSize={20}>
          <LabelList dataKey="delivered" position="right" fill={INK} fontSize={12} />
        </Bar>
      </BarChart>
    </ChartFrame>
  );
}
