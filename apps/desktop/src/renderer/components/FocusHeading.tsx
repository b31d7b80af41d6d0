import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A screen's heading that takes the keyboard focus when it appears, so keyboard and screen-reader
 * users land on the new step instead of on a control that vanished.
 */
export function FocusHeading({ children, id }: { children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} id={id} className="screen-title">
      {children}
    </h1>
  );
}
