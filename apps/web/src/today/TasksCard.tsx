import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/useCurrentUser';
import { ApiErrorAlert } from '../ui/ApiErrorAlert';
import { Loading } from '../ui/Loading';
import { formatDay, formatTime, localDate } from './local-time';
import { useOpenTasks, type Task } from './today-queries';

const TASK_LABELS: Record<Task['kind'], string> = { attendance: 'Attendance', notes: 'Notes' };

/** Post-session tasks still open: overdue first, then by due time; each links to its session. */
export function TasksCard() {
  const tasks = useOpenTasks();
  const items = tasks.data ?? [];
  const overdue = items.filter((task) => task.overdue);
  const due = items.filter((task) => !task.overdue);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="tasks-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h3" id="tasks-heading">
            Post-session tasks
          </Title>
          {overdue.length > 0 && (
            <Badge color="red" variant="filled">
              {overdue.length} overdue
            </Badge>
          )}
        </Group>
        <ApiErrorAlert error={tasks.error} title="Tasks could not be loaded" />
        {tasks.isPending && <Loading what="tasks" />}
        {tasks.isSuccess && items.length === 0 && <Text size="sm">All done: no attendance or notes are waiting.</Text>}
        {overdue.length > 0 && <TaskList title="Overdue" tasks={overdue} />}
        {due.length > 0 && <TaskList title="Due" tasks={due} />}
      </Stack>
    </Paper>
  );
}

function TaskList({ title, tasks }: { title: string; tasks: Task[] }) {
  const { district } = useCurrentUser();
  return (
    <Stack gap={4}>
      <Title order={3} size="h5">
        {title}
      </Title>
      <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: 'none' }}>
        {tasks.map((task) => (
          <li key={task.id}>
            <Anchor component={Link} to={`/sessions/${task.sessionId}`} fw={600}>
              {TASK_LABELS[task.kind]} for the session of {formatDay(task.sessionDate, { month: 'short', day: 'numeric' })}
            </Anchor>
            <Text size="sm" c={task.overdue ? 'red.9' : undefined}>
              Due {formatDay(localDate(new Date(task.dueAt), district.timeZone), { weekday: 'short', month: 'short', day: 'numeric' })}, {formatTime(task.dueAt, district.timeZone)}
            </Text>
          </li>
        ))}
      </Stack>
    </Stack>
  );
}
