/** The few parts of ical.js (which ships no types) the calendar feed test reads with. */
declare module 'ical.js' {
  interface Time {
    toJSDate(): Date;
  }
  interface Component {
    getAllSubcomponents(name: string): Component[];
    getFirstPropertyValue(name: string): unknown;
  }
  interface Event {
    uid: string;
    summary: string;
    startDate: Time;
    endDate: Time;
  }
  const ICAL: {
    parse(input: string): unknown;
    Component: new (jcal: unknown) => Component;
    Event: new (component: Component) => Event;
  };
  export default ICAL;
}
